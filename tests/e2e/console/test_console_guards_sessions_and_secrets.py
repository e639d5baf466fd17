"""The console's guards, asked over plain HTTP as an attacker would: no change without the session's CSRF token;
a restrictive Content-Security-Policy on every answer; no answer without a session; a bad token refused with the
API server's reason; the password of a RedisCluster (spec.password) never in what the console serves, and the
user's token never in its log."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.e2e.console.conftest import sse_lines, user_token
from tests.e2e.manifests import rediscluster

pytestmark = pytest.mark.e2e

KIND = "redisclusters.redis.kun"
PASSWORD = "console-must-never-show-this"


class Client:
    """A plain HTTP client that keeps the session cookie by hand: the cookie is Secure, which the standard library's
    cookie jar never sends over http, where a browser does to a loopback address."""

    def __init__(self, url: str):
        self.url = url
        self.cookie: str | None = None

    def call(self, method: str, path: str, body: dict | None = None, headers: dict | None = None, stream: bool = False):
        data = json.dumps(body).encode() if body is not None else None
        sent = {"content-type": "application/json", **(headers or {})}
        if self.cookie:
            sent["cookie"] = self.cookie
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=sent)
        try:
            response = urllib.request.urlopen(request, timeout=10)
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), json.loads(error.read() or b"{}")
        if cookie := response.headers.get("set-cookie"):
            assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" in cookie, cookie
            self.cookie = cookie.split(";", 1)[0]
        if stream:
            return response.status, dict(response.headers), response
        return response.status, dict(response.headers), json.loads(response.read() or b"{}")


def test_changes_need_the_csrf_token_and_answers_carry_the_policy(kube, namespace, console):
    client = Client(console.url)
    status, headers, _ = client.call("GET", "/api/kinds")
    assert status == 401
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]

    status, _, body = client.call("POST", "/api/session", {"token": "not-a-token"})
    assert status == 401, body
    assert "sign in again" in body["message"]

    token = user_token(kube, namespace)
    status, _, session = client.call("POST", "/api/session", {"token": token})
    assert status == 200 and session["user"].startswith(f"system:serviceaccount:{namespace}:"), session
    change = {"name": "forged", "formData": {"size": 3}, "dryRun": False}
    status, _, body = client.call("POST", f"/api/kinds/{KIND}/objects/{namespace}", change)
    assert status == 403 and "CSRF" in body["message"], body
    status, _, body = client.call("POST", f"/api/kinds/{KIND}/objects/{namespace}", change, {"x-csrf-token": "guess"})
    assert status == 403, body
    assert not kube.get_json("rediscluster", "-n", namespace)["items"]
    status, _, body = client.call(
        "POST",
        f"/api/kinds/{KIND}/objects/{namespace}",
        {**change, "dryRun": True},
        {"x-csrf-token": session["csrfToken"]},
    )
    assert status == 200, body
    assert token not in console.output()


def test_a_password_in_the_spec_is_never_served(kube, namespace, console):
    kube.kubectl("apply", "-n", namespace, "-f", "-", stdin=rediscluster("secret", password=PASSWORD))
    client = Client(console.url)
    status, _, session = client.call("POST", "/api/session", {"token": user_token(kube, namespace)})
    assert status == 200
    status, _, response = client.call("GET", f"/api/kinds/{KIND}/objects/{namespace}/secret/watch", stream=True)
    assert status == 200
    first = b""
    while b"event: object" not in first or (not first.endswith(b"\r\n\r\n") and not first.endswith(b"\n\n")):
        first += response.read1(65536)
    response.close()
    text = first.decode()
    assert PASSWORD not in text
    shown = next(event for event in sse_lines(text) if "object" in event)
    assert shown["object"]["spec"]["password"] == "(set)"
    assert "password" not in shown["formData"]
    assert shown["secretName"] == "redis-cluster-secret-auth"
    changed = {
        "name": "secret",
        "formData": {"size": 3},
        "dryRun": True,
        "annotations": {"redis.kun/scope": "cluster-scoped"},
        "resourceVersion": shown["resourceVersion"],  # an edit of the form as it was loaded
    }
    status, _, body = client.call(
        "POST", f"/api/kinds/{KIND}/objects/{namespace}", changed, {"x-csrf-token": session["csrfToken"]}
    )
    assert status == 200, body
    assert PASSWORD not in json.dumps(body)
    assert body["object"]["spec"]["password"] == "(set)"  # kept on the edit (keep_secrets), and masked
