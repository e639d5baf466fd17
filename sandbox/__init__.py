"""A local Kubernetes for tests and `make run`: a real control plane plus a process kubelet (see README.md)."""


class SandboxError(Exception):
    """A failure the user can act on; the CLI prints it as one line and exits with status 1."""
