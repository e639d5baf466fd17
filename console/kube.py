"""The console's Kubernetes calls, each made as the signed-in user (kubernetes_asyncio: one ApiClient per user, so
that the user's own token and RBAC decide every answer; the console has no identity of its own to fall back on).
Answers are kept as JSON dicts (`_preload_content=False`): the pages need a few fields, not the library's models."""

from __future__ import annotations

import copy
import json
import logging
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from kubernetes_asyncio import client, config, watch
from kubernetes_asyncio.client.exceptions import ApiException

from console.settings import FIELD_MANAGER

log = logging.getLogger(__name__)

WATCH_SECONDS = 240  # a watch request's lifetime; the next resumes from the last resourceVersion
RETRY_SECONDS = 2.0
SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:"


class Unreachable(Exception):
    """The API server did not answer (connection refused, timeout, TLS failure)."""


@dataclass(frozen=True)
class ApiServer:
    """Where the API server is and how it is trusted; `own` is the kubeconfig's configuration with its credentials,
    used only in kubeconfig mode (the console on loopback for the user who started it)."""

    host: str
    ca_file: str | None
    verify: bool
    own: client.Configuration | None

    def configuration(self, token: str | None) -> client.Configuration:
        if token is None:
            if self.own is None:
                raise PermissionError("this console accepts bearer tokens only")
            return copy.copy(self.own)
        configuration = client.Configuration(host=self.host)
        configuration.ssl_ca_cert = self.ca_file
        configuration.verify_ssl = self.verify
        configuration.api_key = {"BearerToken": token}
        configuration.api_key_prefix = {"BearerToken": "Bearer"}
        return configuration


async def api_server(kubeconfig: str | None, kubeconfig_identity: bool) -> ApiServer:
    """In a pod: the cluster's own address and CA (the pod's token is never used). Else the kubeconfig's cluster;
    its user's credentials too when kubeconfig_identity."""
    if kubeconfig is None and os.environ.get("KUBERNETES_SERVICE_HOST"):
        host = f"https://{os.environ['KUBERNETES_SERVICE_HOST']}:{os.environ.get('KUBERNETES_SERVICE_PORT', '443')}"
        return ApiServer(host, "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt", True, None)
    loaded = client.Configuration()
    await config.load_kube_config(config_file=kubeconfig, client_configuration=loaded)
    return ApiServer(loaded.host, loaded.ssl_ca_cert, loaded.verify_ssl, loaded if kubeconfig_identity else None)


def refusal(error: Exception) -> tuple[int, str, dict]:
    """The HTTP status and message of the console's answer for a failed call, and the API server's Status."""
    if isinstance(error, ApiException):
        try:
            status = json.loads(error.body or "{}")
        except (TypeError, ValueError):
            status = {}
        if error.status == 401:
            return 401, "The API server does not accept your token (expired or revoked): sign in again.", status
        return (
            error.status or 502,
            status.get("message") or error.reason or f"the API server answered {error.status}",
            status,
        )
    if isinstance(error, Unreachable):
        return 502, f"The Kubernetes API server cannot be reached: {error}", {}
    raise error


class UserKube:
    """Every call the pages make, as one user."""

    def __init__(self, configuration: client.Configuration):
        self.api = client.ApiClient(configuration)
        self._core = client.CoreV1Api(self.api)
        self._custom = client.CustomObjectsApi(self.api)
        self._extensions = client.ApiextensionsV1Api(self.api)

    async def close(self) -> None:
        await self.api.close()

    async def _json(self, call: Callable, *args, **kwargs) -> dict:
        try:
            response = await call(*args, _preload_content=False, **kwargs)
            body = await response.read()
        except ApiException:
            raise
        except (TimeoutError, OSError, client.exceptions.OpenApiException) as error:
            raise Unreachable(str(error)) from error
        except Exception as error:  # aiohttp's ClientError and its kin: the server did not answer
            if type(error).__module__.startswith("aiohttp"):
                raise Unreachable(str(error)) from error
            raise
        # The library leaves an unread answer unchecked: a refusal (a Status) is raised here as it would raise it.
        if not 200 <= response.status < 300:
            raise ApiException(http_resp=_Refused(response.status, response.reason, body))
        return json.loads(body)

    async def whoami(self) -> dict:
        """The user's name and groups, from a SelfSubjectReview (what `kubectl auth whoami` asks)."""
        review = await self._json(
            client.AuthenticationV1Api(self.api).create_self_subject_review,
            {"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"},
        )
        info = review.get("status", {}).get("userInfo", {})
        return {"user": info.get("username"), "groups": info.get("groups", [])}

    async def may(self, verb: str, group: str, plural: str, namespace: str = "", name: str = "") -> bool:
        attributes = {"verb": verb, "group": group, "resource": plural, "namespace": namespace, "name": name}
        review = await self._json(
            client.AuthorizationV1Api(self.api).create_self_subject_access_review,
            {"spec": {"resourceAttributes": {k: v for k, v in attributes.items() if v}}},
        )
        return bool(review.get("status", {}).get("allowed"))

    async def crd(self, name: str) -> dict:
        return await self._json(self._extensions.read_custom_resource_definition, name)

    async def namespaces(self) -> list[str]:
        listed = await self._json(self._core.list_namespace)
        return sorted(item["metadata"]["name"] for item in listed.get("items", []))

    def lister(self, group: str, version: str, plural: str, namespace: str) -> Callable:
        if namespace:
            return _bound(self._custom.list_namespaced_custom_object, group, version, namespace, plural)
        return _bound(self._custom.list_cluster_custom_object, group, version, plural)

    def field_lister(self, kind: str, namespace: str, **selectors) -> Callable:
        calls = {
            "pods": self._core.list_namespaced_pod,
            "services": self._core.list_namespaced_service,
            "persistentvolumeclaims": self._core.list_namespaced_persistent_volume_claim,
            "events": self._core.list_namespaced_event,
        }
        return _bound(calls[kind], namespace, **selectors)

    async def get(self, group: str, version: str, plural: str, namespace: str, name: str) -> dict:
        return await self._json(self._custom.get_namespaced_custom_object, group, version, namespace, plural, name)

    async def apply(self, group: str, version: str, plural: str, body: dict, *, dry_run: bool, force: bool) -> dict:
        """Server-side apply as the console's own field manager; never forced unless the user asked."""
        metadata = body["metadata"]
        return await self._json(
            self._custom.patch_namespaced_custom_object,
            group,
            version,
            metadata["namespace"],
            plural,
            metadata["name"],
            body,
            field_manager=FIELD_MANAGER,
            force=force,
            dry_run="All" if dry_run else None,
            _content_type="application/apply-patch+yaml",
        )

    async def delete(self, group: str, version: str, plural: str, namespace: str, name: str) -> dict:
        return await self._json(
            self._custom.delete_namespaced_custom_object,
            group,
            version,
            namespace,
            plural,
            name,
            propagation_policy="Background",
        )

    async def follow(self, list_call: Callable) -> AsyncIterator[tuple[str, object]]:
        """("SNAPSHOT", items) after each (re)list, then (ADDED | MODIFIED | DELETED, object) for each change, for
        as long as the caller iterates; lists again after an expired resourceVersion. A failed call raises, for
        the caller to say so and retry."""
        while True:
            listed = await self._json(list_call)
            yield "SNAPSHOT", listed.get("items", [])
            version = listed["metadata"]["resourceVersion"]
            try:
                while True:
                    # return_type object: the events stay JSON, as the lists are.
                    async with watch.Watch(return_type="object") as stream:
                        async for change in stream.stream(
                            list_call,
                            resource_version=version,
                            timeout_seconds=WATCH_SECONDS,
                            allow_watch_bookmarks=True,
                        ):
                            obj = change["raw_object"]
                            version = obj.get("metadata", {}).get("resourceVersion") or version
                            if change["type"] in ("ADDED", "MODIFIED", "DELETED"):
                                yield change["type"], obj
            except ApiException as error:
                if error.status != 410:
                    raise
                log.debug("resourceVersion %s expired: listing again", version)


@dataclass(frozen=True)
class _Refused:
    """What ApiException reads of a response: its status, reason, body and headers."""

    status: int
    reason: str | None
    data: bytes

    def getheaders(self) -> dict:
        return {}


def _bound(call: Callable, *args, **kwargs) -> Callable:
    """A list call with its arguments, that Watch can call again with watch=True and a resourceVersion. Watch
    finds the watch argument's name and the return type in the call's docstring, so the partial keeps it."""

    def bound(**more):
        return call(*args, **kwargs, **more)

    bound.__doc__ = call.__doc__
    return bound


def service_account_namespace(user: str | None) -> str | None:
    """A service account's own namespace (system:serviceaccount:<namespace>:<name>): a place to look for a user
    who may not list namespaces."""
    if user and user.startswith(SERVICE_ACCOUNT_PREFIX):
        return user[len(SERVICE_ACCOUNT_PREFIX) :].split(":", 1)[0]
    return None
