"""Pod address allocation and interface names (sandbox/kubelet/netns.py)."""

import pytest

from sandbox.kubelet.netns import AddressPool, host_veth_name, netns_name

pytestmark = pytest.mark.unit


def test_addresses_are_stable_per_pod_and_unique(tmp_path):
    pool = AddressPool(2, tmp_path / "addresses.json")
    first, second = pool.allocate("uid-a"), pool.allocate("uid-b")
    assert first == "10.244.2.2"
    assert second == "10.244.2.3"
    assert pool.allocate("uid-a") == first


def test_released_addresses_are_reused_lowest_first(tmp_path):
    pool = AddressPool(1, tmp_path / "addresses.json")
    for uid in ("a", "b", "c"):
        pool.allocate(uid)
    pool.release("a")
    assert pool.allocate("d") == "10.244.1.2"


def test_allocations_survive_a_restart_and_stale_ones_can_be_dropped(tmp_path):
    path = tmp_path / "addresses.json"
    AddressPool(3, path).allocate("live")
    AddressPool(3, path).allocate("gone")
    pool = AddressPool(3, path)
    assert pool.allocate("live") == "10.244.3.2"
    pool.retain_only({"live"})
    assert pool.allocate("new") == "10.244.3.3"
    assert AddressPool(3, path).allocate("gone") == "10.244.3.4"


def test_pool_exhaustion_is_an_error(tmp_path):
    pool = AddressPool(1, tmp_path / "addresses.json")
    for n in range(253):
        pool.allocate(f"pod-{n}")
    with pytest.raises(RuntimeError):
        pool.allocate("one-too-many")


def test_link_names_fit_the_kernel_limit():
    uid = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    assert host_veth_name(uid) == "kv0f1e2d3c"
    assert len(host_veth_name(uid)) <= 15
    assert netns_name(uid).startswith("kun-")
