"""The kinds a user is served: each configured CRD, read as that user (RBAC decides whether they may read it; the
same schema is published to every authenticated user under /openapi/v3), kept for CACHE_SECONDS per session so
that a changed CRD reaches the form within that time."""

from __future__ import annotations

import time

from kubernetes_asyncio.client.exceptions import ApiException

from console import schema_form, views
from console.sessions import Session
from console.settings import KindSettings

CACHE_SECONDS = 30.0


class KindError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class Catalog:
    def __init__(self, kinds: tuple[KindSettings, ...]):
        self.kinds = {kind.crd: kind for kind in kinds}

    async def served(self, session: Session, crd: str) -> tuple[KindSettings, views.Served]:
        settings = self.kinds.get(crd)
        if settings is None:
            raise KindError(404, f"this console does not serve {crd!r}; it serves {sorted(self.kinds)}")
        cached = session.kinds.get(crd)
        if cached is None or time.monotonic() - cached[0] > CACHE_SECONDS:
            cached = (time.monotonic(), await self._read(session, crd))
            session.kinds[crd] = cached
        if isinstance(cached[1], KindError):
            raise cached[1]
        return settings, cached[1]

    async def _read(self, session: Session, crd: str) -> views.Served | KindError:
        try:
            return views.served(await session.kube.crd(crd))
        except ApiException as error:
            if error.status == 404:
                return KindError(404, f"the CustomResourceDefinition {crd} is not installed in this cluster")
            if error.status == 403:
                return KindError(
                    403,
                    f"you may not read the CustomResourceDefinition {crd}, which the console builds its pages from: "
                    "ask for `get` on it (config/console grants it to every authenticated user)",
                )
            raise
        except views.CrdError as error:
            return KindError(422, str(error))

    async def describe(self, session: Session) -> list[dict]:
        """Every configured kind, as GET /api/kinds answers: a kind that cannot be served says why."""
        described = []
        for crd, settings in self.kinds.items():
            try:
                _, kind = await self.served(session, crd)
            except KindError as error:
                described.append(
                    {"id": crd, "plural": settings.plural, "group": settings.group, "error": error.message}
                )
                continue
            described.append(
                {
                    "id": crd,
                    "group": kind.group,
                    "version": kind.version,
                    "kind": kind.kind,
                    "plural": kind.plural,
                    "error": None,
                    "columns": views.list_columns(kind.columns, settings.list_columns),
                    "annotationChoices": [
                        {"key": c.key, "label": c.label, "description": c.description, "options": list(c.options)}
                        for c in settings.annotation_choices
                    ],
                }
            )
        return described

    @staticmethod
    def form(kind: views.Served) -> dict:
        form = schema_form.form_for(kind.spec_schema)
        return {"schema": form.schema, "uiSchema": form.ui_schema, "secretFields": form.secret_fields}
