"""Metrics render in the Prometheus text format, with gauges read from each resource's status."""

import urllib.request

import pytest

from watchrunner.metrics import Metrics, serve

pytestmark = pytest.mark.unit

RESOURCES = [
    {
        "metadata": {"namespace": "ns", "name": "test"},
        "status": {"status": "Healthy", "master": "redis-cluster-test-0", "replicaCount": 2, "observedGeneration": 3},
    },
    {"metadata": {"namespace": "ns", "name": "new"}},
]


def test_reconciles_and_status_gauges():
    metrics = Metrics("rediscluster", lambda: RESOURCES)
    metrics.observe_reconcile("ns", "test", True, 1.2)
    metrics.observe_reconcile("ns", "test", False, 3.0)
    text = metrics.render()
    assert 'watchrunner_reconciles_total{name="test",namespace="ns",result="succeeded"} 1' in text
    assert 'watchrunner_reconcile_seconds_bucket{le="2",name="test",namespace="ns"} 1' in text
    assert 'watchrunner_reconcile_seconds_bucket{le="+Inf",name="test",namespace="ns"} 2' in text
    assert 'watchrunner_reconcile_seconds_sum{name="test",namespace="ns"} 4.200' in text
    assert 'rediscluster_healthy{name="test",namespace="ns"} 1' in text
    assert 'rediscluster_healthy{name="new",namespace="ns"} 0' in text
    assert 'rediscluster_status_replica_count{name="test",namespace="ns"} 2' in text
    assert 'rediscluster_info{master="redis-cluster-test-0",name="test",namespace="ns",status="Healthy"} 1' in text
    metrics.forget("ns", "test")
    assert "watchrunner_reconciles_total{" not in metrics.render()


def test_served_over_http():
    metrics = Metrics("rediscluster", lambda: [])
    server = serve("127.0.0.1:0", {"/metrics": lambda: (200, metrics.render())})
    try:
        port = server.server_address[1]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
            assert response.status == 200
            assert b"# TYPE watchrunner_reconciles_total counter" in response.read()
        with pytest.raises(urllib.error.HTTPError, match="404"):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/nope", timeout=5)
    finally:
        server.shutdown()
