"""Who is signed in. A session holds the user's Kubernetes client (with the bearer token they gave, or the
kubeconfig's identity in kubeconfig mode) in this process's memory only: the browser holds a random session id in
an HttpOnly, SameSite=Strict cookie and a CSRF token it sends back as a header; the token itself never leaves the
server, never reaches a log and is forgotten at sign-out or after IDLE_SECONDS."""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass, field

from kubernetes_asyncio.client.exceptions import ApiException

from console.kube import ApiServer, UserKube

COOKIE = "console-session"
ANONYMOUS = "system:anonymous"
CSRF_HEADER = "x-csrf-token"
IDLE_SECONDS = 8 * 3600


class NotSignedIn(ApiException):
    """The API server does not know the token: it is expired, revoked or mistyped."""

    def __init__(self):
        super().__init__(status=401, reason="Unauthorized")


@dataclass
class Session:
    id: str
    kube: UserKube
    user: str | None
    groups: list[str]
    mode: str  # token | kubeconfig
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    last_seen: float = field(default_factory=time.monotonic)
    kinds: dict = field(default_factory=dict)
    on_end: object = (
        None  # Sessions.end, set by Sessions  # the CRDs as this user read them, with when (console.catalog)
    )

    async def end(self) -> None:
        """Forget this session (its token died): the next call of its cookie finds none."""
        if self.on_end is not None:
            await self.on_end(self.id)

    def csrf_matches(self, sent: str | None) -> bool:
        return sent is not None and hmac.compare_digest(sent, self.csrf)

    def public(self) -> dict:
        return {
            "authenticated": True,
            "user": self.user,
            "groups": self.groups,
            "mode": self.mode,
            "csrfToken": self.csrf,
        }


class Sessions:
    def __init__(self, server: ApiServer):
        self.server = server
        self._sessions: dict[str, Session] = {}

    @property
    def kubeconfig_mode(self) -> bool:
        return self.server.own is not None

    async def sign_in(self, token: str | None) -> Session:
        """A new session for this token (None: the kubeconfig's identity), once the API server has said who it is;
        an ApiException (401) when it does not know the token."""
        kube = UserKube(self.server.configuration(token))
        try:
            who = await kube.whoami()
            if who["user"] in (None, ANONYMOUS):
                raise NotSignedIn()
        except ApiException as error:
            await kube.close()
            # A token no authenticator knows is anonymous where anonymous requests are allowed (then forbidden to
            # review itself), and refused (401) where they are not: either way, not a sign-in.
            raise NotSignedIn() if error.status == 403 else error from None
        except BaseException:
            await kube.close()
            raise
        session = Session(
            secrets.token_urlsafe(32), kube, who["user"], who["groups"], "kubeconfig" if token is None else "token"
        )
        session.on_end = self.end
        self._sessions[session.id] = session
        return session

    async def get(self, session_id: str | None) -> Session | None:
        await self._expire()
        session = self._sessions.get(session_id or "")
        if session:
            session.last_seen = time.monotonic()
        return session

    async def end(self, session_id: str | None) -> None:
        session = self._sessions.pop(session_id or "", None)
        if session:
            await session.kube.close()

    async def close(self) -> None:
        for session_id in list(self._sessions):
            await self.end(session_id)

    async def _expire(self) -> None:
        now = time.monotonic()
        for session_id, session in list(self._sessions.items()):
            if now - session.last_seen > IDLE_SECONDS:
                await self.end(session_id)
