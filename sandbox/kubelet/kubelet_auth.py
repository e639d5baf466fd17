"""Who may use a node's kubelet API, decided as a kubelet with --client-ca-file and --authorization-mode=Webhook
decides it: the caller is the subject of a client certificate issued by the cluster CA (the TLS layer verifies it;
the API server presents pki/apiserver-kubelet-client.crt), and a SubjectAccessReview asks the API server whether
that user may <verb> the subresource nodes/proxy of this node. Anything else is 401 or 403 with the kubelet's text.
"""

from __future__ import annotations

from dataclasses import dataclass

from .api import Api

# HTTP method -> the verb the real kubelet authorizes (pkg/kubelet/server/auth.go).
VERBS = {"GET": "get", "HEAD": "get", "POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}
SUBRESOURCE = "proxy"  # every endpoint served here (logs, exec, attach, port-forward, healthz) falls under it


@dataclass(frozen=True)
class User:
    name: str
    groups: tuple[str, ...]

    @classmethod
    def from_certificate(cls, certificate: dict | None) -> User | None:
        """The user of a verified client certificate (ssl's getpeercert()): CN is the name, O the groups."""
        if not certificate:
            return None
        attributes = [pair for rdn in certificate.get("subject", ()) for pair in rdn]
        names = [value for key, value in attributes if key == "commonName"]
        if not names:
            return None
        return cls(names[0], tuple(value for key, value in attributes if key == "organizationName"))


def access_review(user: User, verb: str, node: str) -> dict:
    return {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SubjectAccessReview",
        "spec": {
            "user": user.name,
            "groups": list(user.groups),
            "resourceAttributes": {
                "verb": verb,
                "version": "v1",
                "resource": "nodes",
                "subresource": SUBRESOURCE,
                "name": node,
            },
        },
    }


def forbidden_message(user: User, verb: str) -> str:
    return f"Forbidden (user={user.name}, verb={verb}, resource=nodes, subresource={SUBRESOURCE})"


class Authorizer:
    """Asks the API server, once per request (the real kubelet caches answers for minutes; a sandbox's few
    exec and log requests do not need it)."""

    def __init__(self, api: Api):
        self.api = api

    def allowed(self, user: User, verb: str, node: str) -> bool:
        review = self.api.create("/apis/authorization.k8s.io/v1/subjectaccessreviews", access_review(user, verb, node))
        return bool(review.get("status", {}).get("allowed"))
