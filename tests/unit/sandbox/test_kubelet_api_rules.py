"""The kubelet API's decisions, as tables: routes, protocol negotiation, exec options and statuses, terminal resizes,
log queries, who the caller is, port-forward stream checks, and the argv of a command run in a container."""

import json
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox.kubelet import container_exec, port_forward, spdy
from sandbox.kubelet.container_logs import LogQuery
from sandbox.kubelet.kubelet_api import Failure, negotiate, offered_protocols, route
from sandbox.kubelet.kubelet_auth import User, access_review, forbidden_message
from sandbox.kubelet.nsexec import NSENTER, SETPRIV, Identity, in_container
from sandbox.kubelet.spdy_session import Stream

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/healthz", ("healthz", [])),
        ("GET", "/containerLogs/ns/pod/main", ("containerLogs", ["ns", "pod", "main"])),
        ("POST", "/exec/ns/pod/main", ("exec", ["ns", "pod", "main"])),
        ("GET", "/exec/ns/pod/uid-1/main", ("exec", ["ns", "pod", "uid-1", "main"])),
        ("POST", "/portForward/ns/pod", ("portForward", ["ns", "pod"])),
        ("POST", "/portForward/ns/pod/uid-1", ("portForward", ["ns", "pod", "uid-1"])),
        ("GET", "/attach/ns/pod/main", ("attach", ["ns", "pod", "main"])),
        ("GET", "/exec/ns/pod", 404),
        ("GET", "/run/ns/pod/main", 404),
        ("GET", "/", 404),
        ("POST", "/containerLogs/ns/pod/main", 405),
        ("DELETE", "/exec/ns/pod/main", 405),
    ],
)
def test_routes(method, path, expected):
    if isinstance(expected, int):
        with pytest.raises(Failure) as failure:
            route(method, path)
        assert failure.value.status == expected
    else:
        assert route(method, path) == expected


@pytest.mark.parametrize(
    ("headers", "supported", "expected"),
    [
        # What the API server's SPDY executor offers: v5 first, which a kubelet does not speak over SPDY.
        (
            ["v5.channel.k8s.io", "v4.channel.k8s.io", "v3.channel.k8s.io"],
            container_exec.PROTOCOLS,
            "v4.channel.k8s.io",
        ),
        (["v2.channel.k8s.io, channel.k8s.io"], container_exec.PROTOCOLS, "v2.channel.k8s.io"),
        (["channel.k8s.io", "v4.channel.k8s.io"], container_exec.PROTOCOLS, "channel.k8s.io"),  # the client's order
        (["portforward.k8s.io"], port_forward.PROTOCOLS, "portforward.k8s.io"),
        (["v4.channel.k8s.io"], port_forward.PROTOCOLS, None),
        ([" , "], container_exec.PROTOCOLS, None),
    ],
)
def test_protocol_negotiation(headers, supported, expected):
    assert negotiate(offered_protocols(headers), supported) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"output": ["1"]}, container_exec.ExecOptions(False, True, False, False)),
        ({"input": ["1"], "output": ["1"], "error": ["1"]}, container_exec.ExecOptions(True, True, True, False)),
        (
            {"input": ["1"], "output": ["1"], "error": ["1"], "tty": ["1"]},
            container_exec.ExecOptions(True, True, False, True),
        ),
        ({"stdout": ["1"]}, None),  # the kubelet API's names are input, output and error
        ({"tty": ["1"], "error": ["1"]}, None),  # a terminal has no stderr, and then nothing is left
        ({"output": ["true"]}, None),
    ],
)
def test_exec_options(query, expected):
    if expected is None:
        with pytest.raises(ValueError, match="at least 1 of stdin, stdout, stderr"):
            container_exec.ExecOptions.parse(query)
    else:
        assert container_exec.ExecOptions.parse(query) == expected


@pytest.mark.parametrize(
    ("protocol", "version"),
    [("v4.channel.k8s.io", 4), ("v3.channel.k8s.io", 3), ("v2.channel.k8s.io", 2), ("channel.k8s.io", 1)],
)
def test_protocol_versions(protocol, version):
    assert container_exec.protocol_version(protocol) == version


def test_a_non_zero_exit_is_a_status_kubectl_turns_into_its_exit_code():
    status = container_exec.exit_status(3, ["sh", "-c", "exit 3"])
    assert status["status"] == "Failure"
    assert status["reason"] == "NonZeroExitCode"
    assert status["details"]["causes"] == [{"reason": "ExitCode", "message": "3"}]  # StatusCause.Type is "reason"
    assert status["message"].endswith("error executing command [sh -c exit 3], exit code 3")
    assert container_exec.exit_status(0, ["true"]) == {"metadata": {}, "status": "Success"}


@pytest.mark.parametrize(
    ("status", "version", "expected"),
    [
        (container_exec.exit_status(0, ["true"]), 4, b'{"metadata":{},"status":"Success"}'),
        (container_exec.exit_status(0, ["true"]), 3, b""),
        (
            container_exec.internal_error("boom"),
            2,
            b"Internal error occurred: error executing command in container: boom",
        ),
    ],
)
def test_the_error_stream_carries_json_from_v4_and_failure_messages_before(status, version, expected):
    assert container_exec.encode_status(status, version) == expected


def test_an_internal_error_is_apierrors_internal_error():
    status = container_exec.internal_error("no such file")
    assert (status["reason"], status["code"]) == ("InternalError", 500)
    assert status["message"] == "Internal error occurred: error executing command in container: no such file"


@given(
    st.lists(st.tuples(st.integers(0, 500), st.integers(0, 200)), max_size=5),
    st.data(),
)
def test_terminal_sizes_are_read_whatever_the_chunks(sizes, data):
    # As Go's json.Encoder writes them: one object a line.
    sent = "".join(json.dumps({"Width": width, "Height": height}) + "\n" for width, height in sizes)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(sent)), max_size=4)))
    seen, pending = [], ""
    for start, end in zip([0, *cuts], [*cuts, len(sent)], strict=True):
        complete, pending = container_exec.terminal_sizes(pending + sent[start:end])
        seen += complete
    assert seen == sizes
    assert pending.strip() == ""


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, LogQuery()),
        ({"follow": ["true"], "tailLines": ["2"]}, LogQuery(follow=True, tail_lines=2)),
        ({"previous": ["1"], "timestamps": ["true"]}, LogQuery(previous=True, timestamps=True)),
        ({"limitBytes": ["6"], "sinceSeconds": ["30"]}, LogQuery(limit_bytes=6, since_seconds=30)),
        ({"follow": ["false"]}, LogQuery()),
    ],
)
def test_log_queries(query, expected):
    assert LogQuery.parse(query) == expected


@pytest.mark.parametrize(
    ("certificate", "expected"),
    [
        (
            {
                "subject": (
                    (("organizationName", "system:masters"),),
                    (("commonName", "kube-apiserver-kubelet-client"),),
                )
            },
            User("kube-apiserver-kubelet-client", ("system:masters",)),
        ),
        ({"subject": ((("commonName", "alice"),),)}, User("alice", ())),
        (
            {"subject": ((("organizationName", "a"),), (("organizationName", "b"),), (("commonName", "x"),))},
            User("x", ("a", "b")),
        ),
        ({"subject": ((("organizationName", "system:masters"),),)}, None),  # no name, no user
        ({}, None),  # the TLS layer could not verify it
        (None, None),  # no certificate at all
    ],
)
def test_the_user_is_the_certificates_subject(certificate, expected):
    assert User.from_certificate(certificate) == expected


def test_the_access_review_asks_what_the_real_kubelet_asks():
    review = access_review(User("alice", ("devs",)), "create", "sandbox-node-1")
    assert review["spec"] == {
        "user": "alice",
        "groups": ["devs"],
        "resourceAttributes": {
            "verb": "create",
            "version": "v1",
            "resource": "nodes",
            "subresource": "proxy",
            "name": "sandbox-node-1",
        },
    }
    assert (
        forbidden_message(User("alice", ()), "get")
        == "Forbidden (user=alice, verb=get, resource=nodes, subresource=proxy)"
    )


def stream(stream_id: int = 1, **headers: str) -> Stream:
    return Stream(None, spdy.SynStream(stream_id, {name.lower(): [value] for name, value in headers.items()}))


@pytest.mark.parametrize(
    ("headers", "refusal"),
    [
        ({"port": "6379", "streamType": "data"}, None),
        ({"port": "6379", "streamType": "error"}, None),
        ({"streamType": "data"}, '"port" header is required'),
        ({"port": "0", "streamType": "data"}, "unable to parse '0' as a port"),
        ({"port": "70000", "streamType": "data"}, "unable to parse '70000' as a port"),
        ({"port": "http", "streamType": "data"}, "unable to parse 'http' as a port"),
        ({"port": "6379"}, '"streamType" header is required'),
        ({"port": "6379", "streamType": "stdin"}, "invalid stream type 'stdin'"),
    ],
)
def test_port_forward_streams(headers, refusal):
    assert port_forward.stream_refusal(stream(**headers)) == refusal


@pytest.mark.parametrize(
    ("stream_id", "headers", "expected"),
    [
        (5, {"requestID": "0", "streamType": "error"}, "0"),
        (7, {"requestID": "0", "streamType": "data"}, "0"),
        (5, {"streamType": "error"}, "5"),  # old clients: an error stream and the data stream right after it
        (7, {"streamType": "data"}, "5"),
    ],
)
def test_port_forward_pairs(stream_id, headers, expected):
    assert port_forward.request_id(stream(stream_id, **headers)) == expected


def test_probes_and_hooks_enter_the_namespaces_only():
    assert in_container(42, ["true"]) == [NSENTER, "-t", "42", "-n", "-m", "-u", "--", "true"]


@pytest.mark.parametrize(
    ("identity", "user_part"),
    [
        (Identity(1001, 0, ()), [SETPRIV, "--reuid=1001", "--regid=0", "--clear-groups", "--"]),
        (Identity(65534, 65534, (2000, 3000)), [SETPRIV, "--reuid=65534", "--regid=65534", "--groups=2000,3000", "--"]),
        (Identity.of_kubelet(), []),  # as the kubelet is: nothing to change
    ],
)
def test_exec_also_takes_the_working_directory_and_the_user(identity, user_part):
    assert in_container(42, ["id"], identity) == [NSENTER, "-t", "42", "-n", "-m", "-u", "--wd", "--", *user_part, "id"]


def test_the_identity_of_a_process_is_read_from_proc():
    assert Identity.of_process(os.getpid()) == Identity.of_kubelet()
