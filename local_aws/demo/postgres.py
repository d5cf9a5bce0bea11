"""A throw-away PostgreSQL server standing in for the RDS source: the installed server binaries, a
temporary data directory, a free loopback port, password authentication as RDS has it.

    with running_postgres() as server:
        seed_table(server, "customers", rows)
        ... server.jdbc_url, server.user, server.password ...
"""

import contextlib
import csv
import os
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pg8000.native

from local_aws.clients import free_port

SUPERUSER = "postgres"
SERVER_USER = "postgres"  # initdb and postgres refuse to run as root


class PostgresError(RuntimeError):
    """The PostgreSQL server could not be started or used."""


@dataclass(frozen=True)
class PostgresServer:
    port: int
    database: str
    user: str
    password: str
    data_dir: Path
    superuser_password: str
    host: str = "127.0.0.1"

    @property
    def jdbc_url(self) -> str:
        return f"jdbc:postgresql://{self.host}:{self.port}/{self.database}"

    def connect(self, as_superuser: bool = False, database: str | None = None) -> pg8000.native.Connection:
        user, password = (SUPERUSER, self.superuser_password) if as_superuser else (self.user, self.password)
        return pg8000.native.Connection(user, host=self.host, port=self.port, database=database or self.database, password=password)

    def kill(self) -> None:
        """Stop the server at once, as a crash or an outage would."""
        _pg_ctl(self.data_dir, "stop", "-m", "immediate")


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", SERVER_USER, "--", *command] if os.geteuid() == 0 else command


def _run(command: list[str]) -> str:
    completed = subprocess.run(_as_server_user(command), capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise PostgresError(f"`{' '.join(command)}` failed: {completed.stderr.strip() or completed.stdout.strip()}")
    return completed.stdout


def _pg_ctl(data_dir: Path, *arguments: str) -> str:
    return _run(["pg_ctl", "-D", str(data_dir / "data"), *arguments])


@contextlib.contextmanager
def running_postgres(database: str = "sales", user: str = "etl_reader") -> Iterator[PostgresServer]:
    """A PostgreSQL server with `database` and a login `user` that owns it; removed on exit."""
    for binary in ("initdb", "pg_ctl", "postgres"):
        if shutil.which(binary) is None:
            raise PostgresError(f"{binary} is not on PATH: install the PostgreSQL server binaries (Debian: postgresql).")
    root = Path(tempfile.mkdtemp(prefix="local-aws-postgres-"))
    server = PostgresServer(free_port(), database, user, secrets.token_urlsafe(16), root, secrets.token_urlsafe(16))
    try:
        if os.geteuid() == 0:
            shutil.chown(root, SERVER_USER)
        password_file = root / "superuser-password"
        password_file.write_text(server.superuser_password)
        password_file.chmod(0o600)
        if os.geteuid() == 0:
            shutil.chown(password_file, SERVER_USER)
        _run(["initdb", "-D", str(root / "data"), "-U", SUPERUSER, "--auth=scram-sha-256", f"--pwfile={password_file}", "-E", "UTF8"])
        options = f"-p {server.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={root} -c fsync=off"
        _pg_ctl(root, "-o", options, "-l", str(root / "server.log"), "-w", "-t", "30", "start")
        admin = server.connect(as_superuser=True, database="postgres")
        admin.run(f"CREATE ROLE {pg8000.native.identifier(user)} LOGIN PASSWORD {pg8000.native.literal(server.password)}")
        admin.run(f"CREATE DATABASE {pg8000.native.identifier(database)} OWNER {pg8000.native.identifier(user)}")
        admin.close()
        yield server
    finally:
        with contextlib.suppress(PostgresError):
            _pg_ctl(root, "stop", "-m", "fast")
        shutil.rmtree(root, ignore_errors=True)


def seed_table(server: PostgresServer, table: str, csv_path: Path, integer_columns: tuple[str, ...] = ()) -> int:
    """Create `table` from a CSV file with a header (text columns, but `integer_columns`), empty
    fields as NULL; return the number of rows."""
    with csv_path.open(newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = [[value if value != "" else None for value in row] for row in reader]
    columns = ", ".join(f"{name} {'integer' if name in integer_columns else 'text'}" for name in header)
    connection = server.connect()
    connection.run(f"CREATE TABLE {table} ({columns})")
    placeholders = ", ".join(f":c{index}" for index in range(len(header)))
    for row in rows:
        connection.run(f"INSERT INTO {table} VALUES ({placeholders})", **{f"c{index}": value for index, value in enumerate(row)})
    connection.close()
    return len(rows)
