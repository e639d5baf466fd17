"""DNS records and hosts files (sandbox/kubelet/hostsfile.py)."""

import os

import pytest

from sandbox.kubelet.hostsfile import (
    Record,
    own_names,
    pod_records,
    render,
    resolv_conf,
    service_records,
    write_in_place,
)

pytestmark = pytest.mark.unit


def pod(name, ip, subdomain=None, namespace="ns", phase="Running"):
    spec = {"hostname": name, "subdomain": subdomain} if subdomain else {}
    return {"metadata": {"name": name, "namespace": namespace}, "spec": spec, "status": {"podIP": ip, "phase": phase}}


def service(name, namespace="ns", publish_not_ready=False, kind="ClusterIP"):
    return {
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"type": kind, "publishNotReadyAddresses": publish_not_ready},
    }


def endpoint_slice(service_name, endpoints, namespace="ns"):
    return {
        "metadata": {"namespace": namespace, "labels": {"kubernetes.io/service-name": service_name}},
        "endpoints": [{"addresses": [ip], "conditions": {"ready": ready}} for ip, ready in endpoints],
    }


def test_pods_with_a_subdomain_get_their_fqdn_record():
    records = pod_records(
        [
            pod("r-0", "10.244.1.2", "redis"),
            pod("plain", "10.244.1.3"),
            pod("done", "10.244.1.4", "redis", "ns", "Failed"),
        ]
    )
    assert records == {Record("ns", "r-0.redis", "10.244.1.2")}


def test_services_resolve_to_ready_endpoints_unless_publishing_not_ready():
    slices = [
        endpoint_slice("redis", [("10.244.1.2", True), ("10.244.2.2", False)]),
        endpoint_slice("sentinel", [("10.244.1.3", True), ("10.244.2.3", False)]),
        endpoint_slice("orphan", [("10.244.3.3", True)]),
    ]
    records = service_records([service("redis"), service("sentinel", publish_not_ready=True)], slices)
    assert records == {
        Record("ns", "redis", "10.244.1.2"),
        Record("ns", "sentinel", "10.244.1.3"),
        Record("ns", "sentinel", "10.244.2.3"),
    }


def test_rendered_file_has_own_line_fqdns_and_namespace_relative_names():
    records = {
        Record("ns", "redis", "10.244.1.2"),
        Record("ns", "redis", "10.244.2.2"),
        Record("other", "db", "10.244.3.2"),
    }
    text = render(records, "ns", "10.244.1.9", ["me.redis.ns.svc.cluster.local", "me"])
    lines = text.splitlines()
    assert lines[0].startswith("127.0.0.1")
    assert "10.244.1.9\tme.redis.ns.svc.cluster.local me" in lines
    assert "10.244.1.2\tredis.ns.svc.cluster.local redis.ns.svc redis.ns redis" in lines
    assert "10.244.2.2\tredis.ns.svc.cluster.local redis.ns.svc redis.ns redis" in lines
    assert "10.244.3.2\tdb.other.svc.cluster.local db.other.svc db.other" in lines  # no bare name across namespaces


def test_own_names():
    assert own_names(pod("r-0", "1", "redis")) == ["r-0.redis.ns.svc.cluster.local", "r-0"]
    assert own_names(pod("web", "1")) == ["web"]


def test_resolv_conf_searches_the_namespace_and_has_no_real_nameserver():
    text = resolv_conf("shop")
    assert "search shop.svc.cluster.local svc.cluster.local cluster.local" in text
    assert "nameserver 127.0.0.1" in text
    assert "ndots" not in text


def test_rewrites_keep_the_inode(tmp_path):
    path = tmp_path / "hosts"
    write_in_place(path, "a long first version\n")
    inode = os.stat(path).st_ino
    write_in_place(path, "short\n")
    assert path.read_text() == "short\n"
    assert os.stat(path).st_ino == inode
