"""Tearing the sandbox's network down tolerates links that the kernel removes by itself meanwhile."""

import pytest

from sandbox import SandboxError, network

pytestmark = pytest.mark.sandbox


def test_a_link_already_gone_is_not_an_error():
    # What teardown meets when a deleted namespace's veth vanishes between being listed and being deleted.
    network._delete_link("kvgone0000")


def test_a_link_that_stays_after_a_failed_delete_is_an_error():
    with pytest.raises(SandboxError, match="ip link delete lo"):
        network._delete_link("lo")  # the loopback device cannot be deleted
