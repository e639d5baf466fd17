"""The sandbox's certificates: one CA and the certificates each component presents, made once and then reused.

`ensure()` keeps every file that is still valid (issued by the current CA, for the expected names, for at least a
week more) and replaces the rest, so it is cheap on a warm start and repairs itself after any change here.
"""

import base64
import datetime
import os
from dataclasses import dataclass
from ipaddress import IPv4Address
from pathlib import Path

import yaml
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from sandbox import config

VALIDITY = datetime.timedelta(days=365)
RENEW_BEFORE = datetime.timedelta(days=7)
CA_NAME = "redis-kun-sandbox-ca"


@dataclass(frozen=True)
class Leaf:
    """A certificate signed by the CA, stored as pki/<name>.crt and pki/<name>.key."""

    name: str
    common_name: str
    organization: str | None = None
    server: bool = False  # a serving certificate; otherwise a client certificate
    dns_names: tuple[str, ...] = ()
    ip_addresses: tuple[IPv4Address, ...] = ()

    @property
    def subject(self) -> x509.Name:
        attributes = [x509.NameAttribute(NameOID.COMMON_NAME, self.common_name)]
        if self.organization:
            attributes.insert(0, x509.NameAttribute(NameOID.ORGANIZATION_NAME, self.organization))
        return x509.Name(attributes)

    @property
    def alternative_names(self) -> list[x509.GeneralName]:
        return [x509.DNSName(name) for name in self.dns_names] + [x509.IPAddress(ip) for ip in self.ip_addresses]


LOOPBACK = IPv4Address("127.0.0.1")
LEAVES = (
    Leaf(
        "apiserver",
        "kube-apiserver",
        server=True,
        dns_names=(
            "kubernetes",
            "kubernetes.default",
            "kubernetes.default.svc",
            f"kubernetes.default.svc.{config.CLUSTER_DOMAIN}",
            "localhost",
        ),
        ip_addresses=(LOOPBACK, config.FIRST_SERVICE_IP, config.GATEWAY_IP),
    ),
    # One administrator identity for kubectl, the controller manager, the scheduler and the kubelet.
    Leaf("admin", "admin", organization="system:masters"),
    Leaf("kubelet", "kubelet", server=True, ip_addresses=(config.GATEWAY_IP, *config.NODE_IPS, LOOPBACK)),
    Leaf("apiserver-kubelet-client", "kube-apiserver-kubelet-client", organization="system:masters"),
)


def ensure(pki_dir: Path) -> None:
    """Make pki_dir hold a valid CA, every leaf certificate and the service-account key pair."""
    pki_dir.mkdir(parents=True, exist_ok=True)
    ca_key, ca_cert = _ensure_ca(pki_dir)
    for leaf in LEAVES:
        if not _is_valid_leaf(pki_dir, leaf, ca_cert):
            _issue(pki_dir, leaf, ca_key, ca_cert)
    _ensure_service_account_keys(pki_dir)


def _ensure_ca(pki_dir: Path) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    loaded = _load_pair(pki_dir, "ca")
    if loaded and _lasts(loaded[1]):
        return loaded
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME)])
    cert = (
        _builder(name, name, key.public_key())
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_pair(pki_dir, "ca", key, cert)
    return key, cert


def _is_valid_leaf(pki_dir: Path, leaf: Leaf, ca_cert: x509.Certificate) -> bool:
    loaded = _load_pair(pki_dir, leaf.name)
    if not loaded or not _lasts(loaded[1]):
        return False
    cert = loaded[1]
    try:
        cert.verify_directly_issued_by(ca_cert)
    except (ValueError, TypeError, InvalidSignature):
        return False
    try:
        names = set(cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value)
    except x509.ExtensionNotFound:
        names = set()
    return cert.subject == leaf.subject and names == set(leaf.alternative_names)


def _issue(pki_dir: Path, leaf: Leaf, ca_key: ec.EllipticCurvePrivateKey, ca_cert: x509.Certificate) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    usage = ExtendedKeyUsageOID.SERVER_AUTH if leaf.server else ExtendedKeyUsageOID.CLIENT_AUTH
    builder = (
        _builder(leaf.subject, ca_cert.subject, key.public_key())
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
    )
    if leaf.alternative_names:
        builder = builder.add_extension(x509.SubjectAlternativeName(leaf.alternative_names), critical=False)
    _write_pair(pki_dir, leaf.name, key, builder.sign(ca_key, hashes.SHA256()))


def _ensure_service_account_keys(pki_dir: Path) -> None:
    """sa.key signs service-account tokens (controller manager, API server); sa.pub verifies them (API server)."""
    key_file = pki_dir / "sa.key"
    try:
        key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    except (OSError, ValueError):
        key = ec.generate_private_key(ec.SECP256R1())
        _write_private(key_file, key)
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    pub_file = pki_dir / "sa.pub"
    if not pub_file.exists() or pub_file.read_bytes() != public:
        _write_atomically(pub_file, public, mode=0o644)


def _builder(subject: x509.Name, issuer: x509.Name, public_key) -> x509.CertificateBuilder:
    # Backdated a little so that a clock a few minutes behind still accepts a fresh certificate.
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + VALIDITY)
    )


def _key_usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _lasts(cert: x509.Certificate) -> bool:
    return cert.not_valid_after_utc - datetime.datetime.now(datetime.UTC) > RENEW_BEFORE


def _load_pair(pki_dir: Path, name: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate] | None:
    """The key and certificate stored under `name`, or None when either is missing, unreadable or they differ."""
    try:
        key = serialization.load_pem_private_key((pki_dir / f"{name}.key").read_bytes(), password=None)
        cert = x509.load_pem_x509_certificate((pki_dir / f"{name}.crt").read_bytes())
    except (OSError, ValueError):
        return None
    return (key, cert) if cert.public_key() == key.public_key() else None


def _write_pair(pki_dir: Path, name: str, key: ec.EllipticCurvePrivateKey, cert: x509.Certificate) -> None:
    _write_private(pki_dir / f"{name}.key", key)
    _write_atomically(pki_dir / f"{name}.crt", cert.public_bytes(serialization.Encoding.PEM), mode=0o644)


def _write_private(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    _write_atomically(path, pem, mode=0o600)


def _write_atomically(path: Path, content: bytes, *, mode: int) -> None:
    """Write through a temporary file and a rename, so a crash never leaves half a key behind."""
    temporary = path.with_name(f".{path.name}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as file:
        file.write(content)
    os.chmod(temporary, mode)
    temporary.replace(path)


def write_kubeconfig(pki_dir: Path, path: Path, server: str) -> None:
    """Write the administrator's kubeconfig for server, credentials embedded so that the file can be copied."""

    def embedded(name: str) -> str:
        return base64.b64encode((pki_dir / name).read_bytes()).decode()

    cluster = {"server": server, "certificate-authority-data": embedded("ca.crt")}
    user = {"client-certificate-data": embedded("admin.crt"), "client-key-data": embedded("admin.key")}
    kubeconfig = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "sandbox", "cluster": cluster}],
        "users": [{"name": "admin", "user": user}],
        "contexts": [{"name": "sandbox", "context": {"cluster": "sandbox", "user": "admin"}}],
        "current-context": "sandbox",
    }
    content = yaml.safe_dump(kubeconfig, sort_keys=False).encode()
    if not path.exists() or path.read_bytes() != content:
        _write_atomically(path, content, mode=0o600)
