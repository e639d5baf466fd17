"""The sandbox's process kubelet: runs the pods bound to the sandbox nodes as local processes.

Start it with `python -m sandbox.kubelet --state-dir DIR --kubeconfig FILE --nodes 3` (the control plane does). One
process serves every node; a pod worker thread per pod does the kubelet's job for that pod (pods.py).

What a pod gets
  network    its own network namespace kun-<uid>, eth0 = 10.244.<node>.<n>/16 on the bridge kun0, default route via
             the host; the host and every pod reach it (netns.py)
  processes  one process group per container, in a private mount and UTS namespace on the host's root filesystem,
             with a /tmp of its own; hostname = pod name; runAsUser/runAsGroup (else the image's USER, else root),
             fsGroup and supplementalGroups as supplementary groups, runAsNonRoot refused for a root user,
             allowPrivilegeEscalation: false as no_new_privs (runc.py, containers.py, pods.py)
  API        KUBERNETES_SERVICE_HOST/PORT name the API server itself (no kube-proxy), so in-cluster clients work
             with the pod's service account token
  volumes    bind mounts of host directories: emptyDir (0777, as kubelets make it), configMap, secret, downwardAPI,
             projected (service account tokens from the TokenRequest API), persistentVolumeClaim, hostPath; subPath,
             readOnly; fsGroup owns every volume but hostPath (volumes.py)
  DNS        /etc/hosts rendered from Services, EndpointSlices and Pods, updated in place; no DNS server (hostsfile.py)
  logs       CRI-format files under <state dir>/logs/pods/ (containers.py)

The kubelet API (kubelet_api.py) on <node IP>:10250, for callers with a client certificate of the cluster CA that a
SubjectAccessReview allows nodes/proxy (the API server's; kubelet_auth.py): `kubectl logs` with -f, --previous, --tail,
--since, --limit-bytes and --timestamps (container_logs.py); `kubectl exec` with stdin, a terminal (-it, resized
with the client's) and the command's exit code, run in the container's namespaces as its user, in its working
directory, with its environment (container_exec.py, nsexec.py); `kubectl port-forward` to localhost:<port> in the
pod's network namespace, so servers bound to 127.0.0.1 are reachable (port_forward.py). Both are HTTP upgrades to
SPDY/3.1, written here (spdy.py, spdy_session.py): no Python library speaks it.

Limits, by design
  - Images are not pulled: a container runs its `command` from the host, or a mapped image (images.py).
  - A Service name resolves to its ready endpoints' pod IPs (no kube-proxy, so ClusterIPs do not route).
  - No `kubectl attach` (containers have no stdin to attach to; the kubelet API answers 501). `python -m
    sandbox.faults exec` runs a command as `kubectl exec` does without the API server, and the host reaches every
    pod IP directly.
  - `kubectl exec` of a command missing from the container: nsenter's message and exit code 127, where a runtime
    answers with an internal error. A command's background children outlive it until the container stops, as under
    a runtime; a client that goes away takes the command's process group with it.
  - The root filesystem is the host's: a mountPath missing on the host is created there (empty), and a container
    without workingDir starts in a scratch directory of its pod (redis images: /data when a volume is mounted there).
  - hostNetwork, resource limits, PID namespaces, capabilities and readOnlyRootFilesystem are not implemented.

Fault injection (crash, freeze, cut, stop a node) goes through the control socket <state dir>/run/kubelet.sock; see
sandbox/faults.py.
"""
