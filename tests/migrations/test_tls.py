"""TLS from the `ssl.*` keys: PEM and PKCS#12 stores, host checking, JKS refused clearly.

Each case does a real TLS handshake with a loopback server whose certificate is made for the test.
"""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from ksqlmv.config import Secret
from ksqlmv.errors import ConfigError
from ksqlmv.migrations.config import TlsConfig
from ksqlmv.migrations.connect import tls_context


@dataclass
class Pki:
    ca_pem: Path
    ca_p12: Path
    client_p12: Path
    client_pem: Path
    server_cert: Path
    server_key: Path
    ca_cert: x509.Certificate


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(
    subject: str,
    issuer: str,
    key: ec.EllipticCurvePrivateKey,
    signer: ec.EllipticCurvePrivateKey,
    *,
    ca: bool,
    san: str | None = None,
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if san:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(san)]), critical=False
        )
    return builder.sign(signer, hashes.SHA256())


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    folder = tmp_path_factory.mktemp("pki")
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("test ca", "test ca", ca_key, ca_key, ca=True)
    server_key = ec.generate_private_key(ec.SECP256R1())
    server = _certificate("ksql", "test ca", server_key, ca_key, ca=False, san="ksql.test")
    client_key = ec.generate_private_key(ec.SECP256R1())
    client = _certificate("migrations", "test ca", client_key, ca_key, ca=False)
    pem = serialization.Encoding.PEM
    paths = {
        name: folder / name
        for name in ("ca.pem", "ca.p12", "client.p12", "client.pem", "server.pem", "server.key")
    }
    paths["ca.pem"].write_bytes(ca.public_bytes(pem))
    paths["ca.p12"].write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"trust", None, None, [ca], serialization.BestAvailableEncryption(b"tpw")
        )
    )
    paths["client.p12"].write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"client", client_key, client, None, serialization.BestAvailableEncryption(b"kpw")
        )
    )
    paths["client.pem"].write_bytes(
        client.public_bytes(pem)
        + client_key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    paths["server.pem"].write_bytes(server.public_bytes(pem))
    paths["server.key"].write_bytes(
        server_key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return Pki(
        paths["ca.pem"],
        paths["ca.p12"],
        paths["client.p12"],
        paths["client.pem"],
        paths["server.pem"],
        paths["server.key"],
        ca,
    )


@dataclass
class Handshakes:
    port: int
    client_subjects: list[str]


@pytest.fixture
def tls_server(pki: Pki) -> Iterator[Handshakes]:
    """A loopback TLS server that asks for (but does not require) a client certificate."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pki.server_cert, pki.server_key)
    context.load_verify_locations(pki.ca_pem)
    context.verify_mode = ssl.CERT_OPTIONAL
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    result = Handshakes(listener.getsockname()[1], [])
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                raw, _ = listener.accept()
            except TimeoutError:
                continue
            try:
                with context.wrap_socket(raw, server_side=True) as conn:
                    peer = conn.getpeercert()
                    if peer:
                        result.client_subjects.append(str(peer.get("subject")))
                    conn.sendall(b"ok")
            except (ssl.SSLError, OSError):
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield result
    stop.set()
    thread.join(timeout=2)
    listener.close()


def handshake(context: ssl.SSLContext, port: int, host: str) -> bytes:
    with (
        socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname=host) as conn,
    ):
        return conn.recv(2)


def test_pem_truststore_verifies_the_server(pki: Pki, tls_server: Handshakes) -> None:
    context = tls_context(TlsConfig(truststore=pki.ca_pem))
    assert handshake(context, tls_server.port, "ksql.test") == b"ok"


def test_pkcs12_truststore_verifies_the_server(pki: Pki, tls_server: Handshakes) -> None:
    context = tls_context(TlsConfig(truststore=pki.ca_p12, truststore_password=Secret("tpw")))
    assert handshake(context, tls_server.port, "ksql.test") == b"ok"


def test_without_the_truststore_the_server_is_not_trusted(tls_server: Handshakes) -> None:
    with pytest.raises(ssl.SSLCertVerificationError):
        handshake(tls_context(TlsConfig()), tls_server.port, "ksql.test")


def test_host_name_is_checked_unless_verify_host_is_false(pki: Pki, tls_server: Handshakes) -> None:
    with pytest.raises(ssl.SSLCertVerificationError, match=r"[Hh]ostname"):
        handshake(tls_context(TlsConfig(truststore=pki.ca_pem)), tls_server.port, "other.test")
    relaxed = tls_context(TlsConfig(truststore=pki.ca_pem, verify_host=False))
    assert handshake(relaxed, tls_server.port, "other.test") == b"ok"
    assert relaxed.verify_mode is ssl.CERT_REQUIRED  # only the host name check is off


@pytest.mark.parametrize("store", ["client.p12", "client.pem"])
def test_keystore_presents_the_client_certificate(
    pki: Pki, tls_server: Handshakes, store: str
) -> None:
    path = pki.client_p12 if store == "client.p12" else pki.client_pem
    config = TlsConfig(truststore=pki.ca_pem, keystore=path, keystore_password=Secret("kpw"))
    assert handshake(tls_context(config), tls_server.port, "ksql.test") == b"ok"
    assert tls_server.client_subjects and "migrations" in tls_server.client_subjects[-1]


def test_wrong_pkcs12_password_is_a_config_error(pki: Pki) -> None:
    with pytest.raises(ConfigError, match="cannot open"):
        tls_context(TlsConfig(truststore=pki.ca_p12, truststore_password=Secret("wrong")))


def test_jks_store_is_refused_with_a_conversion_hint(tmp_path: Path) -> None:
    jks = tmp_path / "truststore.jks"
    jks.write_bytes(b"\xfe\xed\xfe\xed\x00\x00\x00\x02")
    with pytest.raises(ConfigError, match="keytool -importkeystore"):
        tls_context(TlsConfig(truststore=jks))


def test_missing_store_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        tls_context(TlsConfig(keystore=tmp_path / "absent.p12"))
