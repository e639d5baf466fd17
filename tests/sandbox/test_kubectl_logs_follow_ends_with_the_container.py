"""`kubectl logs -f` through the API server to the sandbox's kubelet: lines the container writes after the command
started arrive as they are written, and the command ends by itself, successfully, when the container exits."""

import subprocess

import pytest

pytestmark = pytest.mark.sandbox

# The container writes its second part only once the test says so (a file in its volume), so the test knows those
# lines were written after `kubectl logs -f` started.
MANIFEST = """
apiVersion: v1
kind: Pod
metadata: {name: writer}
spec:
  restartPolicy: Never
  containers:
    - name: main
      image: busybox
      workingDir: /work
      command: [sh, -c, 'echo first; until [ -e go ]; do sleep 0.1; done; echo second; sleep 1; echo third']
      volumeMounts: [{name: work, mountPath: /work}]
  volumes: [{name: work, emptyDir: {}}]
"""


def test_follow_shows_new_lines_and_ends_when_the_container_exits(cluster, namespace):
    cluster.apply(namespace, MANIFEST)
    cluster.wait_ready(namespace, "writer")
    command = cluster.kubectl_command("logs", "-f", "-n", namespace, "writer")
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as follow:
        try:
            assert follow.stdout.readline() == "first\n"
            cluster.kubectl("exec", "-n", namespace, "writer", "--", "touch", "go")
            assert follow.stdout.readline() == "second\n"
            assert follow.stdout.readline() == "third\n"
            assert follow.wait(timeout=30) == 0, follow.stderr.read()
            assert follow.stdout.read() == ""
        finally:
            follow.kill()
    assert cluster.container_status(namespace, "writer")["state"]["terminated"]["exitCode"] == 0
