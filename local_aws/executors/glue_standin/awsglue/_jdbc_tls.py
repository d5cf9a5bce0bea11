"""The TLS Glue requires of a JDBC connection, from the connection's properties, as AWS documents it
(https://docs.aws.amazon.com/glue/latest/dg/connection-properties.html#connection-properties-SSL and
the ConnectionProperties of https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-catalog-connections-connections.html):

- JDBC_ENFORCE_SSL, a case-insensitive "true" or "false" (default false): when true, "AWS Glue only
  connects over SSL with certificate and host name validation", and "if AWS Glue cannot connect
  using SSL, the job run, crawler, or ETL statements ... fail". When not true, Glue "ignores failures
  when it uses SSL": the driver's own default applies.
- CUSTOM_JDBC_CERT, the S3 location of a root certificate (X.509, PEM) the server's certificate is
  validated against; "If this field is left blank, the default certificate is used" (here: this
  machine's trusted roots).
- SKIP_CUSTOM_JDBC_CERT_VALIDATION: unless "true", Glue validates the custom certificate: signature
  SHA256withRSA, SHA384withRSA or SHA512withRSA, and an RSA key of at least 2048 bits; "If the
  certificate fails validation, any ETL job or crawler that uses the connection fails."

For PostgreSQL, Glue's ETL passes that on to the JDBC driver as `sslmode=verify-full` and
`sslrootcert` (its log: "enforceSSL = true, from connection properties, will only attempt SSL with
CN matching", https://github.com/awslabs/aws-glue-libs/issues/139).

Used by job runs (`_jdbc_source`) and by the emulator's JDBC crawler
(`local_aws.emulator.glue.jdbc_catalog`); each connects with its own client, as Glue's ETL and its
crawlers do. The certificate is read from S3 under the caller's role, so the role needs
s3:GetObject on it.
"""

import hashlib
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import SignatureAlgorithmOID

ENFORCE_SSL = "JDBC_ENFORCE_SSL"
CUSTOM_CERT = "CUSTOM_JDBC_CERT"
SKIP_CERT_VALIDATION = "SKIP_CUSTOM_JDBC_CERT_VALIDATION"
PERMITTED_SIGNATURES = {
    SignatureAlgorithmOID.RSA_WITH_SHA256: "SHA256withRSA",
    SignatureAlgorithmOID.RSA_WITH_SHA384: "SHA384withRSA",
    SignatureAlgorithmOID.RSA_WITH_SHA512: "SHA512withRSA",
}
MINIMUM_KEY_BITS = 2048
DEFAULT_ROOTS = Path(ssl.get_default_verify_paths().openssl_cafile)


class CustomCertificateRefused(ValueError):
    """The connection's CUSTOM_JDBC_CERT cannot be read or fails Glue's validation."""


@dataclass(frozen=True)
class RequiredTls:
    """TLS with the server's certificate and host name verified against the custom certificate, or
    the default roots."""

    connection_name: str
    custom_certificate: str | None = None
    """The S3 location of the custom root certificate; None for the default roots."""
    custom_pem: bytes = b""

    def ssl_context(self) -> ssl.SSLContext:
        if self.custom_certificate:
            return ssl.create_default_context(cadata=self.custom_pem.decode("ascii", errors="replace"))
        return ssl.create_default_context(cafile=str(DEFAULT_ROOTS))

    def jdbc_options(self, folder: Path) -> dict[str, str]:
        """PostgreSQL JDBC driver options, as Glue sets them; the driver reads the custom certificate
        from a file, written to `folder`."""
        roots = DEFAULT_ROOTS
        if self.custom_certificate:
            roots = folder / f"jdbc-root-{hashlib.sha256(self.custom_pem).hexdigest()[:16]}.pem"
            roots.write_bytes(self.custom_pem)
        return {"sslmode": "verify-full", "sslrootcert": str(roots)}

    def describe(self) -> str:
        roots = f"{CUSTOM_CERT} {self.custom_certificate}" if self.custom_certificate else "the default root certificates"
        return f"connection {self.connection_name} has {ENFORCE_SSL} true (TLS required, server certificate verified against {roots})"


def _is_true(properties: dict[str, str], name: str) -> bool:
    return properties.get(name, "false").strip().lower() == "true"


def required_tls(connection_name: str, properties: dict[str, str], s3: Any) -> RequiredTls | None:
    """What TLS the connection requires; None when it requires none. `s3` (under the caller's role)
    reads CUSTOM_JDBC_CERT."""
    if not _is_true(properties, ENFORCE_SSL):
        return None
    location = properties.get(CUSTOM_CERT, "").strip()
    if not location:
        return RequiredTls(connection_name)
    pem = _read_certificate(connection_name, location, s3)
    if not _is_true(properties, SKIP_CERT_VALIDATION):
        _validate(connection_name, location, pem)
    return RequiredTls(connection_name, location, pem)


def _read_certificate(connection_name: str, location: str, s3: Any) -> bytes:
    bucket, _, key = location.removeprefix("s3://").partition("/")
    if not location.startswith("s3://") or not bucket or not key:
        raise CustomCertificateRefused(
            f"connection {connection_name}: {CUSTOM_CERT} {location!r} is not an S3 location s3://<bucket>/<key>"
        )
    body: bytes = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    return body


def _validate(connection_name: str, location: str, pem: bytes) -> None:
    prefix = f"connection {connection_name}: {CUSTOM_CERT} {location}"
    try:
        certificates = x509.load_pem_x509_certificates(pem)
    except ValueError as error:
        raise CustomCertificateRefused(f"{prefix} is not a PEM-encoded X.509 certificate: {error}") from None
    for certificate in certificates:
        subject = certificate.subject.rfc4514_string()
        if certificate.signature_algorithm_oid not in PERMITTED_SIGNATURES:
            raise CustomCertificateRefused(
                f"{prefix}: {subject} is signed with {certificate.signature_algorithm_oid._name}; Glue permits "
                f"{', '.join(PERMITTED_SIGNATURES.values())} (or set {SKIP_CERT_VALIDATION} to true)"
            )
        key = certificate.public_key()
        if not isinstance(key, rsa.RSAPublicKey) or key.key_size < MINIMUM_KEY_BITS:
            size = f"a {key.key_size}-bit RSA key" if isinstance(key, rsa.RSAPublicKey) else f"a {type(key).__name__}"
            raise CustomCertificateRefused(
                f"{prefix}: {subject} has {size}; Glue permits RSA keys of at least {MINIMUM_KEY_BITS} bits "
                f"(or set {SKIP_CERT_VALIDATION} to true)"
            )
