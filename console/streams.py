"""The live views: each follows, as the user, the objects a page shows (list and watch, again after an expired
resourceVersion) and yields server-sent events (name, JSON data) as console/API.md lists them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

from console import access, views
from console.kube import refusal
from console.sessions import Session
from console.settings import KindSettings

log = logging.getLogger(__name__)
RETRY_SECONDS = 3.0
Event = tuple[str, dict]


async def _follow(session: Session, list_call, tag: str, queue: asyncio.Queue) -> None:
    """Puts (tag, change, object) on the queue for as long as it runs; a failed call is reported and retried."""
    while True:
        try:
            async for change, obj in session.kube.follow(list_call):
                await queue.put((tag, change, obj))
        except asyncio.CancelledError:
            raise
        except Exception as error:  # an expired token, an API server gone: say so on the page, retry
            status, message, _ = refusal(error)
            log.info("a watch of %s failed: %s", tag, message)
            await queue.put((tag, "PROBLEM", {"message": message}))
            if status == 401:  # a dead token does not come back to life: the page asks the user to sign in
                await session.end()
                return
        await asyncio.sleep(RETRY_SECONDS)


async def _merged(session: Session, calls: dict[str, object]) -> AsyncIterator[tuple[str, str, object]]:
    queue: asyncio.Queue = asyncio.Queue()
    tasks = [asyncio.create_task(_follow(session, call, tag, queue)) for tag, call in calls.items()]
    try:
        while True:
            yield await queue.get()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def rows(session: Session, kind: views.Served, names: tuple[str, ...] = ()) -> AsyncIterator[Event]:
    """The list page: a snapshot of every row the user may read, then each change; `names`: its columns."""
    try:
        namespaces, everywhere = await access.readable_namespaces(session, kind.group, kind.plural)
    except Exception as error:
        yield "problem", {"message": refusal(error)[1]}
        return
    scopes = [""] if everywhere else namespaces
    if not scopes:
        yield "snapshot", {"rows": []}
        yield "problem", {"message": f"You may not list {kind.plural} in any namespace you can see."}
    calls = {ns: session.kube.lister(kind.group, kind.version, kind.plural, ns) for ns in scopes}
    shares: dict[str, dict[str, dict]] = {ns: {} for ns in scopes}
    async for scope, change, obj in _merged(session, calls):
        if change == "PROBLEM":
            yield "problem", obj
        elif change == "SNAPSHOT":
            shares[scope] = {f"{o['metadata']['namespace']}/{o['metadata']['name']}": o for o in obj}
            yield (
                "snapshot",
                {"rows": [views.row(kind.columns, o, names) for share in shares.values() for o in share.values()]},
            )
        elif change == "DELETED":
            key = f"{obj['metadata']['namespace']}/{obj['metadata']['name']}"
            shares[scope].pop(key, None)
            yield "delete", {"key": key}
        else:
            key = f"{obj['metadata']['namespace']}/{obj['metadata']['name']}"
            shares[scope][key] = obj
            yield "upsert", {"row": views.row(kind.columns, obj, names)}


async def instance(
    session: Session, settings: KindSettings, kind: views.Served, namespace: str, name: str
) -> AsyncIterator[Event]:
    """The instance page: the object, its Events and the objects of its relatedSelector, each as it changes."""
    kube = session.kube
    calls = {
        "object": kube.lister(kind.group, kind.version, kind.plural, namespace),
        "events": kube.field_lister(
            "events", namespace, field_selector=f"involvedObject.name={name},involvedObject.kind={kind.kind}"
        ),
    }
    calls["object"] = _only(calls["object"], name)
    if settings.related_selector:
        selector = settings.related_selector.format(name=name)
        for plural in ("pods", "services", "persistentvolumeclaims"):
            calls[plural] = kube.field_lister(plural, namespace, label_selector=selector)
    state: dict[str, dict[str, dict]] = {tag: {} for tag in calls}
    async for tag, change, obj in _merged(session, calls):
        if change == "PROBLEM":
            yield "problem", obj
            continue
        if change == "SNAPSHOT":
            state[tag] = {o["metadata"]["name"]: o for o in obj}
        elif change == "DELETED":
            state[tag].pop(obj["metadata"]["name"], None)
        else:
            state[tag][obj["metadata"]["name"]] = obj
        if tag == "object":
            current = state["object"].get(name)
            yield ("object", views.instance(settings, kind, current)) if current else ("gone", {})
        elif tag == "events":
            yield "events", {"events": views.events_newest_first([views.event(e) for e in state["events"].values()])}
        else:
            yield (
                "resources",
                {
                    "pods": [views.pod(p, settings.pod_role_labels) for p in _sorted(state.get("pods"))],
                    "services": [views.service(s) for s in _sorted(state.get("services"))],
                    "pvcs": [views.claim(c) for c in _sorted(state.get("persistentvolumeclaims"))],
                    "podsNote": settings.pods_note,
                },
            )


def _only(list_call, name: str):
    """The namespace's list call narrowed to one object: a watch of one name (RBAC's `get` alone does not allow a
    watch; `list` with this field selector is what kubectl get -w NAME asks)."""

    def narrowed(**more):
        return list_call(field_selector=f"metadata.name={name}", **more)

    narrowed.__doc__ = list_call.__doc__
    return narrowed


def _sorted(objects: dict[str, dict] | None) -> list[dict]:
    return [objects[key] for key in sorted(objects or {})]
