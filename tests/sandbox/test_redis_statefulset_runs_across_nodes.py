"""A 3-replica redis StatefulSet (image redis:7, a PVC template, a headless Service, pod anti-affinity) becomes Ready
on the three sandbox nodes through the real scheduler and controllers; its pods reach each other by IP and by DNS
name, a Service name resolves to every ready pod, Sentinel resolves a pod FQDN, and a deleted pod comes back with its
data."""

import pytest

pytestmark = pytest.mark.sandbox

MANIFEST = """
apiVersion: v1
kind: Service
metadata: {name: redis}
spec:
  clusterIP: None
  selector: {app: redis}
  ports: [{name: redis, port: 6379}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis}
spec:
  serviceName: redis
  replicas: 3
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec:
      terminationGracePeriodSeconds: 5
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            - labelSelector: {matchLabels: {app: redis}}
              topologyKey: kubernetes.io/hostname
      containers:
        - name: redis
          image: redis:7
          command: [redis-server]
          args: [--appendonly, "yes"]
          ports: [{name: redis, containerPort: 6379}]
          readinessProbe: {tcpSocket: {port: redis}, periodSeconds: 1}
          volumeMounts: [{name: data, mountPath: /data}]
  volumeClaimTemplates:
    - metadata: {name: data}
      spec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 64Mi}}
"""


@pytest.fixture(scope="module")
def namespace(module_namespace):
    return module_namespace


@pytest.fixture(scope="module")
def redis_set(cluster, namespace):
    cluster.apply(namespace, MANIFEST)
    for ordinal in range(3):
        cluster.wait_ready(namespace, f"redis-{ordinal}", timeout=120)
    return {pod["metadata"]["name"]: pod for pod in cluster.pods(namespace, "app=redis")}


def fqdn(namespace: str, pod: str) -> str:
    return f"{pod}.redis.{namespace}.svc.cluster.local"


def test_pods_spread_over_the_three_nodes_with_their_own_addresses(redis_set):
    assert sorted(pod["spec"]["nodeName"] for pod in redis_set.values()) == [
        "sandbox-node-1",
        "sandbox-node-2",
        "sandbox-node-3",
    ]
    addresses = {pod["status"]["podIP"] for pod in redis_set.values()}
    assert len(addresses) == 3
    assert all(ip.startswith("10.244.") and not ip.startswith("10.244.0.") for ip in addresses)


def test_pods_reach_each_other_by_address_and_by_name(cluster, redis_set, namespace):
    other_ip = redis_set["redis-1"]["status"]["podIP"]
    assert cluster.run_in(namespace, "redis-0", "redis-cli", "-h", other_ip, "ping").strip() == "PONG"
    assert cluster.run_in(namespace, "redis-0", "redis-cli", "-h", fqdn(namespace, "redis-2"), "ping").strip() == "PONG"
    assert cluster.run_in(namespace, "redis-2", "redis-cli", "-h", "redis-1.redis", "ping").strip() == "PONG"
    assert cluster.run_in(namespace, "redis-1", "hostname").strip() == "redis-1"


def test_a_service_name_resolves_to_every_ready_pod(cluster, redis_set, namespace):
    expected = {pod["status"]["podIP"] for pod in redis_set.values()}

    def resolved() -> set[str]:  # EndpointSlices follow readiness with a small lag, as DNS records do
        name = f"redis.{namespace}.svc.cluster.local"
        return {line.split()[0] for line in cluster.run_in(namespace, "redis-0", "getent", "ahosts", name).splitlines()}

    cluster.wait_for("the service name to resolve to every pod", lambda: resolved() == expected, timeout=30)


def test_sentinel_resolves_a_pod_fqdn(cluster, redis_set, namespace):
    config = (
        f"port 26379\\nsentinel resolve-hostnames yes\\nsentinel monitor main {fqdn(namespace, 'redis-0')} 6379 1\\n"
    )
    script = f"printf '{config}' > /tmp/sentinel-$$.conf && exec redis-sentinel /tmp/sentinel-$$.conf"
    cluster.run_in(namespace, "redis-1", "sh", "-c", f"({script}) > /dev/null 2>&1 &")
    try:
        master = cluster.run_in(
            namespace, "redis-1", "sh", "-c", "sleep 1; redis-cli -p 26379 sentinel get-master-addr-by-name main"
        )
        assert master.split()[0] == redis_set["redis-0"]["status"]["podIP"]  # resolved from the FQDN
    finally:
        cluster.run_in(namespace, "redis-1", "redis-cli", "-p", "26379", "shutdown", "nosave")


def test_a_deleted_pod_comes_back_with_its_data(cluster, redis_set, namespace):
    assert cluster.run_in(namespace, "redis-1", "redis-cli", "set", "survivor", "yes").strip() == "OK"
    old_uid = redis_set["redis-1"]["metadata"]["uid"]
    cluster.kubectl("delete", "pod", "-n", namespace, "redis-1", "--wait=false")
    cluster.wait_for(
        "redis-1 to be replaced and Ready",
        lambda: (pod := cluster.ready_pod(namespace, "redis-1")) and pod["metadata"]["uid"] != old_uid,
        timeout=120,
    )
    assert cluster.run_in(namespace, "redis-1", "redis-cli", "get", "survivor").strip() == "yes"
