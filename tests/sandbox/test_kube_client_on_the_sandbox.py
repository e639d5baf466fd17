"""The modules' Kubernetes client against the sandbox's real API server: TLS verified against the kubeconfig's CA,
a client certificate from embedded data, and a clear error when the server's certificate is not trusted."""

import pytest
import yaml
from ansible_collections.kun.redis.plugins.module_utils.kube.client import KubeApiError, connect, object_path

pytestmark = pytest.mark.sandbox


def test_the_admin_kubeconfig_reads_the_api(sandbox_kubeconfig):
    api = connect({"kubeconfig": str(sandbox_kubeconfig), "context": None})
    assert api.get("/api/v1/namespaces/default")["metadata"]["name"] == "default"
    pods = api.get(object_path("v1", "pods", "kube-system"), labelSelector="no-such-label=x")
    assert pods["kind"] == "PodList"
    assert pods["items"] == []


def test_a_server_certificate_from_another_ca_is_refused(sandbox_kubeconfig, tmp_path):
    config = yaml.safe_load(sandbox_kubeconfig.read_text())
    # the client's own certificate is no CA of the server's: verification must fail before any request
    config["clusters"][0]["cluster"]["certificate-authority-data"] = config["users"][0]["user"][
        "client-certificate-data"
    ]
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(config))
    api = connect({"kubeconfig": str(path), "context": None})
    with pytest.raises(KubeApiError, match="certificate verify failed") as raised:
        api.get("/api/v1/namespaces/default")
    assert raised.value.status == 0
