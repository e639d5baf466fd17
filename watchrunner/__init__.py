"""watchrunner: runs the roles named in an ansible-operator `watches.yaml`, for local runs and tests.

The operator ships as an ansible-operator image (see the Dockerfile). ansible-operator itself cannot be built on
machines that only reach the package registries, so this package keeps its contract for local runs: the same
watches.yaml, the same variables handed to the role (with `snakeCaseParameters: false`), the same reconcile period
(and `requeue_after` tasks that shorten it), finalizers and dependent-resource watches, runs through ansible-runner,
Prometheus metrics and health endpoints.
"""
