"""A `KsqlClient` for a migrations project: its URL, credentials, TLS stores and request headers.

ksql-migrations reads Java key stores; ksqlmv reads PEM files and PKCS#12 stores (the Java default
since Java 9) for `ssl.truststore.location` and `ssl.keystore.location`. A JKS store gets a
`ConfigError` saying how to convert it. Key material from a PKCS#12 store is passed to OpenSSL
through a private temporary file that is deleted as soon as it has been read.

`--headers FILE` adds request headers to every request (a properties file: `Name: value` or
`Name=value` per line), as ksql-migrations does. Header values are never logged.
"""

from __future__ import annotations

import contextlib
import os
import ssl
import tempfile
from collections.abc import Mapping
from pathlib import Path

from ksqlmv.client import ClientOptions, KsqlClient
from ksqlmv.config import Secret
from ksqlmv.errors import ConfigError
from ksqlmv.migrations.config import MigrationConfig, TlsConfig
from ksqlmv.migrations.properties import load_properties

__all__ = ["connect", "load_headers", "tls_context"]

_JKS_MAGIC = b"\xfe\xed\xfe\xed"


def connect(
    config: MigrationConfig,
    *,
    server: str | None = None,
    headers_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> KsqlClient:
    """A client for the project's server, honouring `--server`, the environment and the file."""
    url = config.resolve_server_url(server, environ)
    headers = load_headers(headers_file) if headers_file is not None else {}
    options = ClientOptions(
        url=url,
        auth=config.resolve_auth(environ),
        headers=tuple(headers.items()),
        verify=tls_context(config.tls) if url.startswith("https://") else True,
    )
    return KsqlClient(options=options)


def load_headers(path: Path) -> dict[str, str]:
    """The request headers of a `--headers` file."""
    headers = load_properties(path)
    for name in headers:
        if not name or any(c in name for c in " \t\r\n:"):
            raise ConfigError(f"{path}: {name!r} is not a valid HTTP header name")
    return headers


def tls_context(tls: TlsConfig) -> ssl.SSLContext:
    """An SSL context that trusts the trust store (or the system's) and presents the key store."""
    context = ssl.create_default_context()
    if tls.truststore is not None:
        data = _read_store(tls.truststore, "ssl.truststore.location")
        if data.lstrip().startswith(b"-----BEGIN"):
            context.load_verify_locations(cadata=data.decode("ascii", errors="replace"))
        else:
            _key, certificates = _pkcs12(data, tls.truststore, tls.truststore_password)
            if not certificates:
                raise ConfigError(f"trust store {tls.truststore} holds no certificate")
            context.load_verify_locations(cadata="".join(certificates))
    if tls.keystore is not None:
        _load_key_store(context, tls)
    context.check_hostname = tls.verify_host
    return context


def _load_key_store(context: ssl.SSLContext, tls: TlsConfig) -> None:
    assert tls.keystore is not None
    data = _read_store(tls.keystore, "ssl.keystore.location")
    password = tls.key_password or tls.keystore_password
    if data.lstrip().startswith(b"-----BEGIN"):
        try:
            context.load_cert_chain(str(tls.keystore), password=_reveal(password))
        except (ssl.SSLError, OSError) as error:
            raise ConfigError(f"cannot load key store {tls.keystore}: {error}") from error
        return
    key, certificates = _pkcs12(data, tls.keystore, tls.keystore_password)
    if key is None or not certificates:
        raise ConfigError(f"key store {tls.keystore} holds no private key with its certificate")
    handle, name = tempfile.mkstemp(prefix="ksqlmv-key-", suffix=".pem")
    try:
        with os.fdopen(handle, "w") as out:
            out.write(key + "".join(certificates))
        context.load_cert_chain(name)
    except ssl.SSLError as error:
        raise ConfigError(f"cannot load key store {tls.keystore}: {error}") from error
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)


def _read_store(path: Path, key: str) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ConfigError(f"{key}: cannot read {path}: {error.strerror or error}") from error
    if data.startswith(_JKS_MAGIC):
        raise ConfigError(
            f"{key}: {path} is a JKS store; convert it with `keytool -importkeystore "
            f"-srckeystore {path} -destkeystore store.p12 -deststoretype PKCS12`"
        )
    return data


def _pkcs12(data: bytes, path: Path, password: Secret | None) -> tuple[str | None, list[str]]:
    """The private key (PEM, unencrypted) and certificates (PEM) of a PKCS#12 store."""
    try:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.serialization import pkcs12
    except ImportError:  # pragma: no cover - installed with confluent-kafka's registry extras
        raise ConfigError(
            f"reading the PKCS#12 store {path} needs the cryptography package"
        ) from None
    secret = _reveal(password)
    try:
        key, certificate, extra = pkcs12.load_key_and_certificates(
            data, secret.encode() if secret else None
        )
    except ValueError as error:
        raise ConfigError(f"cannot open {path} as PKCS#12 or PEM: {error}") from error
    pem = serialization.Encoding.PEM
    certificates = [c.public_bytes(pem).decode() for c in [certificate, *extra] if c is not None]
    key_pem = None
    if key is not None:
        key_pem = key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
    return key_pem, certificates


def _reveal(secret: Secret | None) -> str | None:
    return secret.reveal() if secret is not None else None
