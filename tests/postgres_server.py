"""A throwaway PostgreSQL server for the test session.

Debian's binaries (``/usr/lib/postgresql/*/bin``), a data directory and a Unix
socket in a fresh folder under the system's temporary directory (the clone
may sit where other users cannot read), no TCP port, and fsync off: the
tests need a real server, not a durable one. PostgreSQL refuses to run as
root, so under root (CI) the server runs as the ``postgres`` user (or
``nobody``), which owns the folder.
"""

from __future__ import annotations

import atexit
import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

OPT_OUT_ENV = "OKRDESK_TEST_POSTGRES"
"""Set to ``skip`` to skip the PostgreSQL tests on a machine without PostgreSQL."""

SUPERUSER = "okrdesk"


class ServerMissing(Exception):
    """PostgreSQL cannot be started here."""


def _binaries() -> Path:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda p: (
            int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0
        ),
    )
    if not found:
        raise ServerMissing(
            "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (`make test` installs "
            f"Debian's postgresql package; {OPT_OUT_ENV}=skip skips these tests)"
        )
    return Path(found[-1]).parent


def _as_server_user() -> tuple[list[str], pwd.struct_passwd | None]:
    """The command prefix that runs a program as the server's user, and that user."""
    if os.geteuid() != 0:
        return [], None
    for name in ("postgres", "nobody"):
        try:
            user = pwd.getpwnam(name)
        except KeyError:
            continue
        if shutil.which("runuser"):
            return ["runuser", "-u", name, "--"], user
        return [
            "setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups",
        ], user  # fmt: skip
    raise ServerMissing("running as root with neither a postgres nor a nobody user")


class PostgresServer:
    """One server; ``new_database()`` gives each test an empty database of its own."""

    def __init__(self) -> None:
        self.bin = _binaries()
        self.prefix, user = _as_server_user()
        self.folder = Path(tempfile.mkdtemp(prefix="okrdesk-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.started = False
        self._names = itertools.count(1)
        os.chmod(self.folder, 0o755)  # the socket is reached through it
        if user is not None:
            os.chown(self.folder, user.pw_uid, user.pw_gid)

    def _run(self, *args: str) -> None:
        result = subprocess.run(
            [*self.prefix, *args], cwd=self.folder, capture_output=True, text=True, timeout=120
        )
        if result.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise ServerMissing(
                f"{' '.join(args[:2])} failed ({result.returncode}): "
                f"{result.stderr.strip() or result.stdout.strip()}\n{log[-2000:]}"
            )

    def start(self) -> None:
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", SUPERUSER, "-A", "trust",
            "-E", "UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip
        options = (
            f"-c listen_addresses='' -c unix_socket_directories='{self.folder}' "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200"
        )
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options,
            "-w", "-t", "60", "start",
        )  # fmt: skip
        self.started = True
        atexit.register(self.stop)

    def stop(self) -> None:
        if self.started:
            self.started = False
            subprocess.run(
                [*self.prefix, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                 "-w", "stop"],
                cwd=self.folder, capture_output=True, timeout=60, check=False,
            )  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql://{SUPERUSER}@/{database}?host={self.folder}"

    def new_database(self) -> str:
        """A fresh, empty database; its URL."""
        name = f"t{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name} TEMPLATE template0".encode())
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a database ``new_database`` made, whoever is still connected to it."""
        name = urlsplit(url).path.lstrip("/")
        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)".encode())
