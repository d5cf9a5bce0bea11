"""A throw-away PostgreSQL server standing in for the RDS source: the installed server binaries, a
temporary data directory, a free loopback port, password authentication as RDS has it, and TLS as
RDS serves it: a server certificate for the loopback address issued by a throwaway certificate
authority, whose certificate clients are given to verify the server (`server.ca_certificate`, as
RDS users are given Amazon RDS's CA bundle).

    with running_postgres() as server:
        seed_table(server, "customers", rows)
        ... server.jdbc_url, server.user, server.password, server.ca_certificate ...
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
from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Address
from pathlib import Path

import pg8000.native
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from local_aws.clients import free_port

SUPERUSER = "postgres"
SERVER_USER = "postgres"  # initdb and postgres refuse to run as root
# What Glue accepts of a custom root certificate unless told to skip its validation: an RSA key of at
# least 2048 bits, signed with SHA256withRSA (https://docs.aws.amazon.com/glue/latest/dg/connection-properties.html#connection-properties-SSL).
CERTIFICATE_KEY_BITS = 2048
CERTIFICATE_LIFETIME = timedelta(days=2)


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
    ca_certificate: bytes | None
    """PEM of the certificate authority that issued the server's certificate; None: the server has no TLS."""
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


_CA_KEY_USAGE = x509.KeyUsage(
    digital_signature=False,
    content_commitment=False,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=True,
    crl_sign=True,
    encipher_only=False,
    decipher_only=False,
)


class CertificateAuthority:
    """A throwaway certificate authority: a self-signed root that issues server certificates."""

    def __init__(self, name: str = "local-aws throwaway CA", key_bits: int = CERTIFICATE_KEY_BITS) -> None:
        self._key = _new_key(key_bits)
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        self._certificate = (
            _certificate_builder(subject, subject, self._key.public_key())
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_CA_KEY_USAGE, critical=True)
            .sign(self._key, hashes.SHA256())
        )

    @property
    def certificate(self) -> bytes:
        return self._certificate.public_bytes(serialization.Encoding.PEM)

    def issue_server_certificate(self, host: str) -> tuple[bytes, bytes]:
        """PEM of a server certificate for the IP address `host`, and of its private key."""
        key = _new_key()
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
        certificate = (
            _certificate_builder(subject, self._certificate.subject, key.public_key())
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(IPv4Address(host))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(self._key, hashes.SHA256())
        )
        private_key = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        return certificate.public_bytes(serialization.Encoding.PEM), private_key


def _new_key(key_bits: int = CERTIFICATE_KEY_BITS) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=key_bits)


def _certificate_builder(subject: x509.Name, issuer: x509.Name, public_key: rsa.RSAPublicKey) -> x509.CertificateBuilder:
    now = datetime.now(UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + CERTIFICATE_LIFETIME)
    )


def _server_file(path: Path, content: bytes | str, mode: int = 0o600) -> Path:
    """A file the server (running as SERVER_USER when we are root) owns and reads."""
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    path.chmod(mode)
    if os.geteuid() == 0:
        shutil.chown(path, SERVER_USER)
    return path


def _tls_options(root: Path, host: str) -> tuple[bytes, str]:
    """A new CA's certificate, and the server options that serve TLS with a certificate it issued."""
    authority = CertificateAuthority()
    certificate, key = authority.issue_server_certificate(host)
    # PostgreSQL refuses a key file that others may read.
    certificate_file, key_file = _server_file(root / "server.crt", certificate), _server_file(root / "server.key", key)
    return authority.certificate, f"-c ssl=on -c ssl_cert_file={certificate_file} -c ssl_key_file={key_file}"


@contextlib.contextmanager
def running_postgres(database: str = "sales", user: str = "etl_reader", tls: bool = True) -> Iterator[PostgresServer]:
    """A PostgreSQL server with `database` and a login `user` that owns it; removed on exit. With
    `tls`, it serves TLS (clients may still connect without it, as to RDS unless rds.force_ssl is on)."""
    for binary in ("initdb", "pg_ctl", "postgres"):
        if shutil.which(binary) is None:
            raise PostgresError(f"{binary} is not on PATH: install the PostgreSQL server binaries (Debian: postgresql).")
    root = Path(tempfile.mkdtemp(prefix="local-aws-postgres-"))
    try:
        if os.geteuid() == 0:
            shutil.chown(root, SERVER_USER)
        port, host = free_port(), "127.0.0.1"
        ca_certificate, tls_options = _tls_options(root, host) if tls else (None, "")
        server = PostgresServer(port, database, user, secrets.token_urlsafe(16), root, secrets.token_urlsafe(16), ca_certificate, host)
        password_file = _server_file(root / "superuser-password", server.superuser_password)
        _run(["initdb", "-D", str(root / "data"), "-U", SUPERUSER, "--auth=scram-sha-256", f"--pwfile={password_file}", "-E", "UTF8"])
        options = f"-p {server.port} -c listen_addresses={host} -c unix_socket_directories={root} -c fsync=off {tls_options}"
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
