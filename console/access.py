"""What the signed-in user may do, asked of the API server (SelfSubjectAccessReview): the pages hide what the
answer forbids, and RBAC still decides each call."""

from __future__ import annotations

import asyncio

from kubernetes_asyncio.client.exceptions import ApiException

from console.kube import service_account_namespace
from console.sessions import Session

VERBS = ("list", "create", "update", "delete")


async def verbs(session: Session, group: str, plural: str, namespace: str, name: str = "") -> dict[str, bool]:
    answers = await asyncio.gather(
        *(session.kube.may(verb, group, plural, namespace, name if verb != "create" else "") for verb in VERBS)
    )
    return dict(zip(VERBS, answers, strict=True))


async def readable_namespaces(session: Session, group: str, plural: str) -> tuple[list[str], bool]:
    """([], True) when the user may list the kind in every namespace; else the namespaces where they may, out of
    those they may list (or, when they may not list namespaces, their service account's own)."""
    if await session.kube.may("list", group, plural):
        return [], True
    try:
        candidates = await session.kube.namespaces()
    except ApiException as error:
        if error.status != 403:
            raise
        own = service_account_namespace(session.user)
        candidates = [own] if own else []
    allowed = await asyncio.gather(*(session.kube.may("list", group, plural, ns) for ns in candidates))
    return [ns for ns, ok in zip(candidates, allowed, strict=True) if ok], False
