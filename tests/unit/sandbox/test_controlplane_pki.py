"""The sandbox's certificates: what each one is for, that a warm start reuses them, and that a stale one is replaced."""

import base64
import stat
from ipaddress import IPv4Address

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from sandbox import pki

pytestmark = pytest.mark.unit

CERTIFICATES = ("ca", "apiserver", "admin", "kubelet", "apiserver-kubelet-client")


def load(pki_dir, name: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate((pki_dir / f"{name}.crt").read_bytes())


def alternative_names(cert: x509.Certificate) -> set[str]:
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return {str(name) for name in names.get_values_for_type(x509.DNSName)} | {
        str(address) for address in names.get_values_for_type(x509.IPAddress)
    }


def snapshot(pki_dir) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in pki_dir.iterdir()}


@pytest.fixture
def pki_dir(tmp_path):
    pki.ensure(tmp_path / "pki")
    return tmp_path / "pki"


@pytest.mark.parametrize(
    ("name", "names"),
    [
        (
            "apiserver",
            {
                "kubernetes",
                "kubernetes.default",
                "kubernetes.default.svc",
                "kubernetes.default.svc.cluster.local",
                "localhost",
                "127.0.0.1",
                "10.96.0.1",
                "10.244.0.1",
            },
        ),
        ("kubelet", {"10.244.0.1", "10.244.0.11", "10.244.0.12", "10.244.0.13", "127.0.0.1"}),
    ],
)
def test_serving_certificates_name_every_address_they_are_reached_at(pki_dir, name, names):
    cert = load(pki_dir, name)
    assert alternative_names(cert) == names
    assert cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value == x509.ExtendedKeyUsage(
        [ExtendedKeyUsageOID.SERVER_AUTH]
    )


@pytest.mark.parametrize("name", ["admin", "apiserver-kubelet-client"])
def test_client_certificates_are_cluster_administrators(pki_dir, name):
    cert = load(pki_dir, name)
    assert [o.value for o in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)] == ["system:masters"]
    assert ExtendedKeyUsageOID.CLIENT_AUTH in cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value


@pytest.mark.parametrize("name", CERTIFICATES[1:])
def test_every_certificate_is_issued_by_the_ca(pki_dir, name):
    load(pki_dir, name).verify_directly_issued_by(load(pki_dir, "ca"))


def test_private_keys_are_readable_by_the_owner_only(pki_dir):
    for key in pki_dir.glob("*.key"):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600, key.name


def test_the_service_account_public_key_matches_the_signing_key(pki_dir):
    private = serialization.load_pem_private_key((pki_dir / "sa.key").read_bytes(), password=None)
    public = serialization.load_pem_public_key((pki_dir / "sa.pub").read_bytes())
    assert isinstance(private, ec.EllipticCurvePrivateKey)
    assert private.public_key() == public


def test_a_second_run_keeps_every_file(pki_dir):
    before = snapshot(pki_dir)
    pki.ensure(pki_dir)
    assert snapshot(pki_dir) == before


def test_a_damaged_certificate_is_replaced_and_the_rest_kept(pki_dir):
    before = snapshot(pki_dir)
    (pki_dir / "kubelet.crt").write_text("not a certificate")
    pki.ensure(pki_dir)
    after = snapshot(pki_dir)
    assert after["kubelet.crt"] != before["kubelet.crt"]
    load(pki_dir, "kubelet").verify_directly_issued_by(load(pki_dir, "ca"))
    assert {name: content for name, content in after.items() if not name.startswith("kubelet.")} == {
        name: content for name, content in before.items() if not name.startswith("kubelet.")
    }


def test_a_new_ca_reissues_every_certificate(pki_dir):
    before = snapshot(pki_dir)
    (pki_dir / "ca.key").unlink()
    pki.ensure(pki_dir)
    after = snapshot(pki_dir)
    for name in CERTIFICATES:
        assert after[f"{name}.crt"] != before[f"{name}.crt"], name
    for name in CERTIFICATES[1:]:
        load(pki_dir, name).verify_directly_issued_by(load(pki_dir, "ca"))


def test_a_certificate_issued_for_other_names_is_replaced(pki_dir, monkeypatch):
    other = pki.Leaf("kubelet", "kubelet", server=True, ip_addresses=(IPv4Address("192.0.2.1"),))
    monkeypatch.setattr(pki, "LEAVES", (other,))
    pki.ensure(pki_dir)
    assert alternative_names(load(pki_dir, "kubelet")) == {"192.0.2.1"}
    monkeypatch.undo()
    pki.ensure(pki_dir)
    assert "10.244.0.11" in alternative_names(load(pki_dir, "kubelet"))


def test_the_kubeconfig_carries_the_admin_credentials(pki_dir, tmp_path):
    path = tmp_path / "kubeconfig"
    pki.write_kubeconfig(pki_dir, path, "https://127.0.0.1:6443")
    kubeconfig = yaml.safe_load(path.read_text())
    cluster = kubeconfig["clusters"][0]["cluster"]
    user = kubeconfig["users"][0]["user"]
    assert cluster["server"] == "https://127.0.0.1:6443"
    assert base64.b64decode(cluster["certificate-authority-data"]) == (pki_dir / "ca.crt").read_bytes()
    assert base64.b64decode(user["client-certificate-data"]) == (pki_dir / "admin.crt").read_bytes()
    assert base64.b64decode(user["client-key-data"]) == (pki_dir / "admin.key").read_bytes()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
